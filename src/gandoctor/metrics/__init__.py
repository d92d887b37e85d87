"""Numbers that say whether the samples are getting better: digit-classifier metrics and FID/KID.

`evaluate(sample_fn, data, n, device)` is the one entry point the trainer and `gandoctor eval` use.
"""

from gandoctor.metrics.evaluate import EvalResult, evaluate

__all__ = ["EvalResult", "evaluate"]
