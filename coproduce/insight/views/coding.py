"""coding pages of an insight study."""

urls = []
