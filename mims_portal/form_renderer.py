"""Form widgets, labels and error lists rendered by Jinja2 (``FORM_RENDERER``).

A form page renders two or three small templates per field (the widget, its attributes, the label);
through Django's template engine that was most of a form page's CPU time (docs/benchmarks.md, "What a
page costs besides Django"). Django ships the same widget templates for Jinja2, which renders them
several times faster, to the same HTML (``tests/pages/test_form_renderer.py`` compares every form page
under both). Templates that exist only as Django templates (the admin's widgets, such as
``admin/widgets/related_widget_wrapper.html``) are rendered by Django's own form renderer, as before.
"""

from __future__ import annotations

from functools import cached_property

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(Jinja2):
    """Django's Jinja2 form templates; Django's templates where no Jinja2 one exists."""

    @cached_property
    def django_renderer(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name: str):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.django_renderer.get_template(template_name)
