"""Built-in providers. Each package has the same modules: provider (HTTP client and the
Provider implementation), wire (models of the vendor JSON), mapping (pure vendor <-> neutral
functions), errors (vendor error -> confkit error tree), auth, limits and capabilities."""
