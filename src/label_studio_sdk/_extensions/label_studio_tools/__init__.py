"""What the Label Studio server and ML backends import from ``label_studio_tools``: config parsing, media paths, video keyframes."""
