"""Database layer: SQLModel tables, the engine and the session factory, nothing else."""
