"""Everything about Helm charts: version constraints, repositories, archives and caching."""
