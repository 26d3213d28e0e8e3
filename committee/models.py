"""Committees, meetings and papers (Sitzungsvorlagen) follow with their issue."""
