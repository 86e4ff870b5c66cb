"""citecheck as a service: an HTTP API and upload page (`app`), documents queued on RQ over Redis
to `citecheck worker` processes (`tasks`), every job's state and report in Redis (`store`).

Why RQ: a small, well-kept queue on Redis alone (no broker besides the store we already need for
results, leases and the shared rate limit); workers are plain processes on any machine that reaches
Redis and sees the index files. A job counts as done only when its report is stored; a worker that
dies mid-job stops renewing its lease and the server puts the job back on the queue (`store.requeue_lost`).
"""
