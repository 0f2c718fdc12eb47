"""Languages of posts (layer 4): translating a post through the configured provider, with a cache,
and detecting the language of posts written without one."""
