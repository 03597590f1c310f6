# lib/store: sources of this layer (see the files' header comments).
