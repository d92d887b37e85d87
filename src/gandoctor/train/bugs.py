"""The founding mistakes that ``--bug NAME`` puts back, for teaching and for the doctor's tests.

Each one is injected by a visible ``if ... == "<name>"`` at the line where the original author
made it (models.py, loop.py), so the doctor's location points at meaningful code.
"""

from __future__ import annotations

BUGS: dict[str, str] = {
    "detach-generator": "the G step feeds D fake.detach(), so no gradient reaches G (report 1, loop.py)",
    "unscaled-data": "real images scaled to [0, 1] while G ends in tanh, range [-1, 1] (report 1, loop.py)",
    "no-hidden-activation": "no activation on hidden layers: the MLP is linear (report 2, models.py)",
    "double-sigmoid": "a sigmoid on D's output before a with-logits loss (report 2, models.py)",
    "normal-init": "weights drawn from N(0, 1) instead of Xavier / N(0, 0.02) (report 2, models.py)",
}
