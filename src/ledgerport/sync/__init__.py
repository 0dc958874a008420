"""The pull and push engine, scheduler, rate limiting and job definitions. The pull
engine lands with the next issue; the layer exists now so import rules are checked."""
