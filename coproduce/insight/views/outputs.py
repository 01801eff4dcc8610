"""outputs pages of an insight study."""

urls = []
