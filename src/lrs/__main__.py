from lrs.cli import app

app(prog_name="lrs")
