"""Every figure of the kit, drawn on Matplotlib Figures with one style (:mod:`sacro_kit.plotting.style`)."""
