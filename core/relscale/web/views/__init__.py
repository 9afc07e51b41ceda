"""The page's views, one module per kind of page: sign-in, respondent, coordinator,
results, coach. Each module has a ``ROUTES`` list that :func:`relscale.web.app.create_app`
mounts."""
