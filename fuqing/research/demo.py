"""Demo records of research (RES-1 … RES-4)."""
