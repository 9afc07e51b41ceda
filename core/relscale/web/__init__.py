"""The organization's page, ``relscale serve`` (docs/web.md): a second front end beside
``relscale.cli`` on the rounds store. Nothing here is imported by ``relscale --help``;
:func:`relscale.web.app.create_app` builds the application."""
