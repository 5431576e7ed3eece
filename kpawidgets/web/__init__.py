"""Pages the server draws itself, without a kernel: the participant page of workshop mode."""
