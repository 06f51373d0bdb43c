"""`python -m label_studio_sdk.cli`: the same as the `label-studio-sdk` command."""

import sys

from label_studio_sdk.cli.main import main

sys.exit(main())
