import sys

from ner_ar.training.pipeline import main

sys.exit(main())
