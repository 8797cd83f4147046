from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "fuqing.research"
    label = "research"
    verbose_name = "调研"
