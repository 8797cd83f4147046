from django.urls import path

from fuqing.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.own_dashboard, name="own"),
    path("<int:pk>/", views.dashboard, name="unit"),
]
