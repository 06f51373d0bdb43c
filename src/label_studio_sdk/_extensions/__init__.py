"""Hand-written extensions kept at the import paths earlier SDK releases used."""
