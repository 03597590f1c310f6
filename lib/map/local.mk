# lib/map: sources of this layer (see the files' header comments).
