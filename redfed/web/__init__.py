"""HTTP faces (layer 6): Quart blueprints that authenticate, parse, call one service, render."""
