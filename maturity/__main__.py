from maturity.cli import main

main(prog_name="maturity")
