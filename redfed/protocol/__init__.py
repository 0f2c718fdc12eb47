"""Pure protocol code (layer 1): ActivityStreams, signatures, keys, WebFinger. No I/O."""
