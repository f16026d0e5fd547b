"""`python -m tutor` runs the same CLI as the `tutor` script."""

from tutor.cli import main

if __name__ == "__main__":  # importing this module must not start the CLI
    main()
