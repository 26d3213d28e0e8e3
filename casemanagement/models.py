"""The pseudonymous case register follows with its issue."""
