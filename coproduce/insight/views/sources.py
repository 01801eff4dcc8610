"""sources pages of an insight study."""

urls = []
