import sys

from csabook.cli import main

sys.exit(main())
