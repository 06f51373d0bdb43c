"""Label Studio JSON exports to and from other formats."""
