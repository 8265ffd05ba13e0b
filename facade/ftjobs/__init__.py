"""ftjobs: a typed client for the fine-tuning jobs API (OpenAI, Portkey, any compatible URL)."""

__version__ = "0.1.0"
