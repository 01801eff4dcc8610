"""exchange pages of an insight study."""

urls = []
