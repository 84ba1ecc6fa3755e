import sys

from brightline.cli import main

sys.exit(main())
