from relscale.cli.main import main

main()
