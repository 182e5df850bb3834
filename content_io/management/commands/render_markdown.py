from django.core.management.base import BaseCommand

from content_io.rendered import render_stored_markdown


class Command(BaseCommand):
    help = (
        "Store the rendered HTML of every concept body and question stem that lacks it "
        "(pages render such a text on each view until then)."
    )

    def handle(self, *args: object, **options: object) -> None:
        filled = render_stored_markdown()
        self.stdout.write(", ".join(f"{n} {what}" for what, n in filled.items()) + " rendered.")
