from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "fuqing.assistance"
    label = "assistance"
    verbose_name = "诉求与帮扶"
