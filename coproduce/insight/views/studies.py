"""studies pages of an insight study."""

urls = []
