from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "fuqing.api"
    label = "api"
    verbose_name = "接口"
