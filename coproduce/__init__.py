"""coproduce: plan, do and evaluate coproduction in health and care."""

__version__ = "0.1.0"
