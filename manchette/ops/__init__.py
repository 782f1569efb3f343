"""Operations: page caching, health, benchmark seeding (project-level glue)."""
