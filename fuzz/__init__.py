"""Fuzzing of the text stages (`make fuzz`); see `fuzz_pipeline.py`."""
