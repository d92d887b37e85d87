"""How the doctor attaches to torch. ``Recorder`` (doctor/recorder.py) owns the state; each module here
installs one kind of hook and returns a function that removes it."""
