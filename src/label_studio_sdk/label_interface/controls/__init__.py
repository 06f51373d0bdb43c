"""Control tags, one family per module; ``label_studio_sdk.label_interface.control_tags`` exports them all."""
