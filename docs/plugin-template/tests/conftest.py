import os

# Before relscale loads plugins: test against education (the reference wording) and this
# plugin only, whatever else is installed or set in the environment.
os.environ["RELSCALE_PLUGINS"] = "education,my_sector"
os.environ.pop("RELSCALE_CONTENT", None)
