"""Checks Aster's declarative specs (app.toml, system.toml) and packs boot images.

Used by tools/mkimage.py. The modules, in the order the data flows:

  tomlfile    reading a TOML file, locating keys by line, collecting mistakes
  app_spec    checking one app.toml into an AppSpec
  system_spec checking system.toml and the whole system into a Manifest
  rootfs      collecting the files of the root directories
  image       packing a Manifest and the files (docs/image-format.md)

The formats are described in docs/specs.md and docs/image-format.md.
"""
