from nabd.cli import main

main()
