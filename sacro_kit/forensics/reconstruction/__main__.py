"""python -m sacro_kit.forensics.reconstruction: write one reconstructed cohort."""

from sacro_kit.forensics.reconstruction.output import main

raise SystemExit(main())
