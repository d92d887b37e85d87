"""How the doctor attaches to torch. ``Recorder`` (recorder.py) owns the state; each other module
installs one kind of hook and returns a function that removes it."""
