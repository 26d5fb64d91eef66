"""The read-only browser view of the archive (`frontwatch web`)."""
