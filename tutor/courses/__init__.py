"""Course plugins that ship inside the tutor package (see tutor/plugin.py and tutor/course.py)."""
